"""Real chat exports and viewers' clips -> labelled show directories (docs/highlights-import.md).

detect.py     which export a file is; opening it as records + a decoder
twitch.py     Twitch API v5 comments, TwitchDownloader's chat JSON
irc.py        [hh:mm:ss] <user> text logs (IRC clients, Chatterino)
youtube.py    chat-downloader's JSON, yt-dlp's live_chat.json
clips.py      Twitch clip lists (Kraken, Helix, GQL)
grouping.py   clips -> labelled moments (pure)
show_dir.py   the whole import: decode, count, write the show directory
"""

from liveclips_dev.evaluation.importers.model import ChatFormat, ImportFailed
from liveclips_dev.evaluation.importers.show_dir import ImportOptions, ImportReport, import_show

__all__ = ["ChatFormat", "ImportFailed", "ImportOptions", "ImportReport", "import_show"]
