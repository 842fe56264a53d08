"""The served models of this process, shared by the service and anything that needs to peek at them."""

from __future__ import annotations

from services.core.managed_model import ManagedModel

from .abstractive import AbstractiveSummarizer, load_abstractive
from .generator import GeneratorRuntime, load_generator

GENERATOR: ManagedModel[GeneratorRuntime] = ManagedModel("text_generator_model", load_generator)
SUMMARIZER: ManagedModel[AbstractiveSummarizer] = ManagedModel("text_summarizer_model", load_abstractive)
