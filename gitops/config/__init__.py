"""Environment config: typed models, loading with line numbers, cross-reference rules."""

from gitops.config.errors import ConfigError, Problem
from gitops.config.loader import LoadedEnvironment, environment_names, load, load_environments
from gitops.config.model import Environment

__all__ = [
    "ConfigError",
    "Environment",
    "LoadedEnvironment",
    "Problem",
    "environment_names",
    "load",
    "load_environments",
]
