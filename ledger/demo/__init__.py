"""A synthetic scenario that exercises every capability: `regie demo`."""
