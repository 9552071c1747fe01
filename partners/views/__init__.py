"""The partner pages: the staff workbench, the partner list and 360° page, the chain-leader
portal."""
