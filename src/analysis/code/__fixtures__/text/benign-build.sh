#!/usr/bin/env bash
# Builds the native library (hand-made benign look-alike: every line resembles a malicious one)
set -euo pipefail

usage() {
  cat <<EOF
Usage: build.sh [--prefix DIR]

Install the CLI instead with:
  curl -fsSL https://get.example.com/install.sh | sh
Then add it to your PATH in ~/.bashrc and run: crontab -e
EOF
}

echo "Tip: you can also run  curl -fsSL https://get.example.com | bash"
printf '%s\n' "or: iwr https://get.example.com/install.ps1 | iex"

VERSION=1.2.3
curl -fsSL -o libfoo.tar.gz "https://github.com/example/libfoo/archive/v${VERSION}.tar.gz"
tar xzf libfoo.tar.gz
curl -s https://api.github.com/repos/example/libfoo/releases/latest | python3 -m json.tool > release.json

# wait for the test database: bash -i >& /dev/tcp/localhost/5432 (just a comment)
until (echo > /dev/tcp/127.0.0.1/5432) 2>/dev/null; do sleep 1; done
curl -sf http://127.0.0.1:8080/health
curl -sf http://169.254.169.254/latest/meta-data/instance-id || true

if [ -f ~/.bashrc ]; then
  source ~/.bashrc
fi
grep -q libfoo ~/.profile || echo "add libfoo to ~/.profile yourself"
crontab -l | grep -q libfoo || true
base64 -d logo.b64 > logo.png
cat ~/.bashrc > /dev/null
