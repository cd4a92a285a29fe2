"""English fragments."""

from cxlens.demo.phrases.bank import Bank

BANK = Bank(
    language="en",
    topics={
        "website": {
            "pos": (
                "website is easy to find stuff on",
                "found what i needed in 2 minutes",
                "love the new search, way faster",
                "site works great on my phone",
                "product photos are really clear",
            ),
            "neg": (
                "website keeps crashing on my phone",
                "search is useless, shows the wrong products",
                "couldnt find the size guide anywhere",
                "too many popups on the site",
                "page took forever to load",
            ),
        },
        "checkout": {
            "pos": (
                "checkout was quick and painless",
                "paying with paypal was super easy",
                "staff at the till were lovely",
                "no queue in the shop today",
                "discount code worked first time",
            ),
            "neg": (
                "payment failed twice before it went through",
                "had to make an account just to pay??",
                "the queue in store was ridiculous",
                "discount code didnt work at checkout",
                "shipping costs only shown at the very end",
            ),
        },
        "onboarding": {
            "pos": (
                "setting up my account took a minute",
                "welcome email explained everything",
                "the getting started guide was actually useful",
                "easy to add my team to the business account",
            ),
            "neg": (
                "never got the confirmation email",
                "setup was confusing, too many steps",
                "had to verify my email 3 times",
                "adding colleagues to the company account is a nightmare",
            ),
        },
        "usage": {
            "pos": (
                "products are great quality",
                "everything works as described",
                "the loyalty points are a nice touch",
                "been using it for months, no issues",
            ),
            "neg": (
                "quality has gone down lately",
                "item broke after a week",
                "not what the description said",
                "the app logs me out all the time",
            ),
        },
        "support": {
            "pos": (
                "the lady on the phone sorted it in 5 min",
                "support answered my email the same day",
                "chat agent was really helpful",
                "problem solved at first call, thanks",
                "helpline staff were patient and friendly",
            ),
            "neg": (
                "waited 40 minutes on hold",
                "had to explain my problem 3 times to 3 different people",
                "nobody answered my emails for a week",
                "chat bot is useless, just want a human",
                "they closed my ticket without fixing anything",
            ),
        },
        "shipping_returns": {
            "pos": (
                "delivery was fast, arrived next day",
                "return was easy, refund came quickly",
                "parcel well packed",
                "courier was friendly and on time",
            ),
            "neg": (
                "parcel arrived damaged",
                "return label didnt work",
                "still waiting for my refund",
                "courier left the box in the rain",
            ),
        },
        "renewal": {
            "pos": (
                "renewing was one click",
                "fair price for another year",
                "happy to stay another year",
                "got a nice loyalty discount on renewal",
            ),
            "neg": (
                "price went up again at renewal",
                "auto renewal without any warning",
                "cancelling is way too hard",
                "no discount for loyal customers",
            ),
        },
    },
    late=(
        "my order is 2 weeks late!!",
        "delivery was late again, third time",
        "parcel took ages to arrive",
        "said 2 days delivery, took 10",
        "tracking hasnt updated in a week",
        "still havent received my package",
        "late delivery and no one tells you anything",
    ),
    generic={
        "pos": (
            "great service",
            "would recommend to friends",
            "always a good experience",
            "keep up the good work",
            "best shop around",
        ),
        "neu": (
            "it was ok",
            "nothing special",
            "fine i guess",
            "does the job",
            "average experience",
        ),
        "neg": (
            "very disappointed",
            "not ordering again",
            "terrible experience",
            "expected better",
            "worst customer service ever",
        ),
    },
    openers=("", "", "hi,", "well", "honestly", "tbh", "so"),
    closers_pos=("", "thanks!", "thank you", "cheers", "10/10"),
    closers_neg=("", "sort it out", "fix this please", "not happy", "really annoyed"),
    but="but",
)
