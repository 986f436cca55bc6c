"""Config in, dist/ out: synthesis, the YAML writer, SOPS files, the inventory, the atomic swap."""
