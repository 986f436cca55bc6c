"""Config in, dist/ out: synthesis, SOPS files, the inventory, the lock and the atomic swap."""
