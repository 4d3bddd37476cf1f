import subprocess


class Backend:
    def run(self, argv, env=None):
        return subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
