"""Chat bursts that are not highlights, and the steady noise of bots and the platform.

Bots post timers and answer `!commands`; the platform posts subscription, gift and
raid notices and the room thanks; a raid brings a wave of newcomers pasting one line;
a copy-pasta runs through the room in a break; a giveaway draws a `!enter` wave; an ad
break makes chat complain; the streamer reads a donation and chat laughs; a poll is
answered by everyone at once; one user floods. None of it is labelled, and several of
these look like a reaction to anything that only counts messages.
"""

from __future__ import annotations

import random

from liveclips_dev.evaluation.synth_crowd import Room
from liveclips_dev.evaluation.synth_react import draw_reaction, react

KNOWN_BOTS = ("Nightbot", "StreamElements", "Moobot", "Fossabot")
COMMANDS = {
    "!uptime": "{channel} has been live for {h}h {m}m",
    "!rank": "{channel} is currently Diamond {n} ({m} LP)",
    "!sens": "800 DPI, 0.{n}{m} in game",
    "!discord": "join the discord: https://discord.gg/{channel}{m}",
    "!song": "Current song: lofi beat #{m}",
    "!followage": "@{user} has been following {channel} for {n} months",
    "!points": "@{user} has {m}{n} points",
    "!socials": "twitter/insta/tiktok: @{channel}",
    "!settings": "https://{channel}.gg/settings",
    "!watchtime": "@{user} has spent {n} days {h} hours watching {channel}",
}
_TIMERS = (
    "Follow {channel} on socials! https://x.com/{channel}",
    "Enjoying the stream? Subscribe with Prime for free! {emote}",
    "Join the discord: https://discord.gg/{channel}",
    "Type !commands to see the commands",
    "Remember to stay hydrated {emote}",
)
THANKS = ("thanks for the sub", "ty for the gift", "welcome to the club", "hype", "tyty")


def room_bots(rng: random.Random, channel: str) -> tuple[str, ...]:
    """Two of the well-known bots and the channel's own one (not always named *bot)."""
    own = rng.choice((f"{channel}bot", f"{channel}_helper", f"{channel.capitalize()}Guard"))
    return (*rng.sample(KNOWN_BOTS, 2), own)


class Noise:
    def __init__(self, room: Room, bots: tuple[str, ...]) -> None:
        self.room, self.rng, self.bots = room, room.rng, bots
        self.channel = room.vocab.channel

    def timers(self, every_s: float) -> None:
        rng, room = self.rng, self.room
        for k, bot in enumerate(self.bots):
            t = rng.uniform(0, every_s) + k * 37.0
            while t < room.duration_s:
                text = rng.choice(_TIMERS).format(channel=self.channel, emote=room.vocab.emotes[0])
                room.say(t, bot, text)
                t += every_s * rng.uniform(0.8, 1.2)

    def command(self, t: float) -> None:
        rng, room = self.rng, self.room
        asker, name = room.anyone(0.3), rng.choice(list(COMMANDS))
        room.say(t, asker, name)
        if rng.random() < 0.8:  # the bot answers (cooldowns swallow some)
            answer = COMMANDS[name].format(
                channel=self.channel, user=asker, h=rng.randint(1, 9), m=rng.randint(10, 59),
                n=rng.randint(1, 4),
            )  # fmt: skip
            room.say(t + rng.uniform(0.4, 2.5), rng.choice(self.bots), answer)

    def sub(self, t: float) -> None:
        rng, room = self.rng, self.room
        user = room.anyone(0.5)
        months = rng.choice((1, 1, 2, 3, 6, rng.randint(7, 60)))
        text = f"{user} subscribed at Tier 1. They've subscribed for {months} months!"
        room.say(t, user, text if months > 1 else f"{user} subscribed with Prime.", "notice")
        for _ in range(rng.randint(0, 3)):
            room.say(t + rng.uniform(1, 8), room.regular(), self._thanks(user))

    def gift_wave(self, t: float, level: float) -> None:
        """A gifted-subs wave: the notices, then the room thanking for half a minute."""
        rng, room = self.rng, self.room
        gifter, n = room.anyone(0.5), rng.choice((5, 5, 10, 10, 20, 50, 100))
        room.say(t, gifter, f"{gifter} is gifting {n} Tier 1 Subs to the community!", "notice")
        for k in range(n):
            to = room.anyone(0.7)
            room.say(t + 0.3 + 0.05 * k, gifter, f"{gifter} gifted a Tier 1 sub to {to}!", "notice")
        for _ in range(int(rng.uniform(4, 12) + level * rng.uniform(5, 20) + n / 4)):
            room.say(t + rng.uniform(1, 30), room.anyone(0.4), self._thanks(gifter))

    def _thanks(self, user: str) -> str:
        rng, emote = self.rng, self.rng.choice(self.room.vocab.emotes)
        thanks = rng.choice(THANKS)
        return rng.choice(
            (f"{emote} {emote}", f"{thanks} {user} {emote}", f"@{user} {thanks}", f"{emote} " * 3)
        ).strip()

    def donation(self, t: float, level: float) -> None:
        """A tip, the streamer reads it out, chat laughs with its own tokens. No highlight."""
        rng, room = self.rng, self.room
        user = room.anyone(0.5)
        amount = rng.choice(("$5.00", "$10.00", "$4.20", "$69.00", "$100.00", "1000 bits"))
        room.say(t, "StreamElements", f"{user} just tipped {amount}! {room.vocab.emotes[0]}")
        react(room, draw_reaction(rng, t + rng.uniform(5, 25), rng.uniform(2, 5)), level)

    def joke(self, t: float, level: float) -> None:
        """Somebody in chat says something funny; chat laughs. Nothing on stream."""
        react(self.room, draw_reaction(self.rng, t, self.rng.uniform(1.5, 4)), level)

    def raid(self, t: float, level: float) -> None:
        rng, room = self.rng, self.room
        raider = room.newcomers(1)[0]
        viewers = rng.randint(80, 4000)
        room.say(t, raider, f"{raider} is raiding with a party of {viewers}.", "notice")
        emote = room.vocab.emotes[0]
        line = rng.choice(
            (
                f"{raider.upper()} RAID {emote}",
                f"{raider} RAID {emote} {emote}",
                f"♫ {raider} RAID ♫",
            )
        )
        for user in room.newcomers(min(400, 15 + viewers // 20)):
            room.say(t + rng.triangular(1.0, 25.0, 4.0), user, line)
        for _ in range(int(3 + level * 5)):
            room.say(
                t + rng.uniform(3, 30), room.regular(), f"welcome raiders {room.vocab.emotes[0]}"
            )

    def spam_wave(self, t: float, level: float) -> None:
        """One copy-pasta, many users, nothing to do with the game."""
        rng, room = self.rng, self.room
        pasta = rng.choice(room.vocab.pastas)
        for _ in range(int(rng.uniform(10, 40) + level * rng.uniform(10, 40))):
            room.say(t + rng.expovariate(1 / 12.0), room.anyone(0.3), pasta)

    def giveaway(self, t: float, level: float) -> None:
        rng, room = self.rng, self.room
        bot = self.bots[-1]
        room.say(t, bot, "GIVEAWAY started! Type !enter to join, 60 seconds")
        entrants = dict.fromkeys(
            room.anyone(0.6) for _ in range(int(30 + level * rng.uniform(30, 90)))
        )
        for user in entrants:
            room.say(t + rng.uniform(1, 60), user, "!enter")
        winner = room.regular()
        room.say(t + 62, bot, f"The winner is @{winner}! Congratulations!")
        for _ in range(int(5 + level * 6)):
            room.say(t + rng.uniform(63, 80), room.anyone(0.3), rng.choice(("gz", "rigged", "L")))

    def ad_break(self, t: float, level: float) -> None:
        rng, room = self.rng, self.room
        room.say(t, self.bots[0], "An ad break has started, thanks for supporting the channel!")
        for _ in range(int(4 + level * rng.uniform(5, 15))):
            text = rng.choice(("ads Sadge", "ADS", "brb?", "ad again", "BRB", "WAYTOODANK ads"))
            room.say(t + rng.uniform(1, 20), room.anyone(0.2), text)

    def poll(self, t: float, level: float) -> None:
        """The streamer asks chat; everyone answers 1 or 2 (or W / L) for half a minute."""
        rng, room = self.rng, self.room
        options = rng.choice((("1", "2"), ("W", "L"), ("yes", "no"), ("左", "右")))
        for _ in range(int(8 + level * rng.uniform(10, 30))):
            room.say(t + rng.expovariate(1 / 8.0), room.anyone(0.3), rng.choice(options))

    def flood(self, t: float) -> None:
        """One user posting every 2 s for a minute or two (30 messages a minute)."""
        rng, room = self.rng, self.room
        user, text = room.regular(), rng.choice((*room.vocab.emotes, *room.vocab.reactions[:4]))
        for k in range(rng.randint(30, 60)):
            room.say(t + 2.0 * k + rng.uniform(0, 0.5), user, text)
