import argparse
import json

from . import load


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tidyconf")
    parser.add_argument("files", nargs="*", default=["tidyconf.yaml"])
    args = parser.parse_args(argv)
    print(json.dumps(load(args.files), indent=2, sort_keys=True))
