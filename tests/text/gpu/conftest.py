"""One CPU torch embedder (and the checkpoint it reads) for the GPU backend's tests."""

from __future__ import annotations

import pytest

from cxlens.text.gpu import TorchE5Embedder
from cxlens.text.gpu.checkpoint import Checkpoint, read_checkpoint
from cxlens.text.gpu.tokenizer import UnigramTokenizer

# Sentences in the 8 demo languages, none from the shipped training data.
SENTENCES = [
    "the delivery was late but the staff were lovely",
    "Absolutely terrible, my order never arrived",
    "Il corriere ha perso il mio pacco, assurdo",
    "Servizio clienti fantastico, grazie",
    "Le service client est inutile",
    "Très contente, je recommande vivement",
    "Die Lieferung war eine Katastrophe",
    "Alles bestens, vielen Dank",
    "Qué desastre de atención",
    "Todo genial, muy recomendable",
    "Wat een slechte klantenservice",
    "Heel blij met mijn bestelling",
    "Nu mai comand niciodată de aici, bătaie de joc",
    "Sunt foarte mulțumit de comandă",
    "Skandalich, myn pakket is kwyt",
    "Tige tefreden, alles gie goed",
]


@pytest.fixture(scope="session")
def checkpoint() -> Checkpoint:
    return read_checkpoint()


@pytest.fixture(scope="session")
def tokenizer(checkpoint: Checkpoint) -> UnigramTokenizer:
    return UnigramTokenizer(checkpoint.vocabulary)


@pytest.fixture(scope="session")
def torch_embedder() -> TorchE5Embedder:
    return TorchE5Embedder(device="cpu", batch_size=64)
