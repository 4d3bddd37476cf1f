class Embed(dict):
    """A Discord embed, built with chained calls and sent as JSON."""

    def __init__(self, title=None, description=None, color=0x5865F2):
        super().__init__(title=title, description=description, color=color, fields=[])

    def add_field(self, name, value, inline=False):
        self["fields"].append({"name": name, "value": value, "inline": inline})
        return self

    def set_footer(self, text):
        self["footer"] = {"text": text}
        return self
