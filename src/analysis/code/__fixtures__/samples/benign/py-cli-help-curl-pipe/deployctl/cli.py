"""deployctl: deploy containers to a fleet of hosts."""
import argparse
import shutil
import sys

INSTALL_AGENT = "curl -fsSL https://get.deployctl.dev/agent.sh | sudo sh"

EPILOG = f"""
Before the first deploy, install the agent on each host:

    {INSTALL_AGENT}

or, without sudo, into ~/.local/bin:

    curl -fsSL https://get.deployctl.dev/agent.sh | sh -s -- --prefix ~/.local

Docs: https://docs.deployctl.dev/
"""


def doctor() -> int:
    missing = [tool for tool in ("docker", "ssh") if shutil.which(tool) is None]
    for tool in missing:
        print(f"deployctl: {tool} not found on PATH", file=sys.stderr)
    if shutil.which("deployctl-agent") is None:
        print("deployctl: the agent is not installed on this host. Install it with:", file=sys.stderr)
        print(f"    {INSTALL_AGENT}", file=sys.stderr)
        return 1
    return 1 if missing else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="deployctl",
        description="Deploy containers to a fleet of hosts.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("doctor", help="check the local setup")
    deploy = sub.add_parser("deploy", help="deploy an image")
    deploy.add_argument("image")
    deploy.add_argument("--hosts", nargs="+", required=True)
    args = parser.parse_args(argv)
    if args.command == "doctor":
        return doctor()
    print(f"deploying {args.image} to {', '.join(args.hosts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
