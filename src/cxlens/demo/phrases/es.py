"""Spanish fragments."""

from cxlens.demo.phrases.bank import Bank

BANK = Bank(
    language="es",
    topics={
        "website": {
            "pos": (
                "la web es facil de usar",
                "encontre lo que buscaba en 2 minutos",
                "funciona genial en el movil",
                "fotos de producto muy claras",
            ),
            "neg": (
                "la web se cuelga todo el rato",
                "el buscador no encuentra nada",
                "demasiados popups",
                "la pagina tarda muchisimo en cargar",
            ),
        },
        "checkout": {
            "pos": (
                "el pago fue rapido",
                "el personal de la tienda muy amable",
                "el codigo de descuento funciono a la primera",
                "nada de cola en caja",
            ),
            "neg": (
                "el pago fallo dos veces",
                "cola eterna en la caja",
                "el codigo de descuento no funciona",
                "los gastos de envio salen al final",
            ),
        },
        "onboarding": {
            "pos": (
                "cuenta creada en 2 minutos",
                "el email de bienvenida lo explica todo",
                "facil añadir a mis compañeros",
            ),
            "neg": (
                "nunca me llego el email de confirmacion",
                "el registro es demasiado lioso",
                "no puedo añadir compañeros a la cuenta de empresa",
            ),
        },
        "usage": {
            "pos": (
                "productos de muy buena calidad",
                "todo como en la descripcion",
                "lo uso desde hace meses sin problemas",
            ),
            "neg": (
                "la calidad ha bajado",
                "se rompio a la semana",
                "no es lo que decia la descripcion",
            ),
        },
        "support": {
            "pos": (
                "la chica del telefono lo soluciono en 5 min",
                "atencion al cliente rapida y amable",
                "resuelto a la primera llamada",
                "me contestaron el mismo dia",
            ),
            "neg": (
                "40 minutos esperando al telefono",
                "tuve que explicar el problema tres veces",
                "nadie contesta los emails",
                "cerraron la incidencia sin resolver nada",
            ),
        },
        "shipping_returns": {
            "pos": (
                "envio rapidisimo",
                "devolucion facil y reembolso rapido",
                "paquete bien embalado",
                "el repartidor muy puntual",
            ),
            "neg": (
                "el paquete llego dañado",
                "la etiqueta de devolucion no funciona",
                "sigo esperando el reembolso",
                "el repartidor dejo la caja bajo la lluvia",
            ),
        },
        "renewal": {
            "pos": (
                "renovar fue un click",
                "precio justo por otro año",
                "buen descuento por fidelidad",
            ),
            "neg": (
                "otra vez subida de precio",
                "renovacion automatica sin avisar",
                "darse de baja es imposible",
            ),
        },
    },
    late=(
        "pedido con dos semanas de retraso!!",
        "la entrega otra vez tarde",
        "el paquete tardo una eternidad",
        "decian 2 dias y fueron 10",
        "el seguimiento lleva una semana sin actualizarse",
        "todavia no me ha llegado nada",
    ),
    generic={
        "pos": ("muy buen servicio", "lo recomiendo", "siempre contento", "seguid asi"),
        "neu": ("estuvo bien", "nada especial", "normalito", "cumple"),
        "neg": ("muy decepcionado", "no vuelvo a pedir", "experiencia horrible", "esperaba mas"),
    },
    openers=("", "", "hola,", "pues", "la verdad", "bueno"),
    closers_pos=("", "gracias!", "mil gracias", "genial"),
    closers_neg=("", "solucionadlo ya", "vergonzoso", "fatal"),
    but="pero",
)
