"""Settings of the highlight engine, and why each default is what it is.

Scores are in "z units": every signal is measured in standard deviations above its own
recent baseline (see normalize.py), so thresholds mean the same in a quiet podcast and in
a loud stadium, and the fused score is a weighted mean of those z-scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

MEDIA_SIGNALS = ("loudness", "scene", "motion")
CHAT_SIGNALS = ("chat_rate", "chat_unique", "chat_hype", "chat_storm")
REACTION_SIGNALS = ("reactions",)
AUDIENCE_SIGNALS = ("viewer_joins", "viewers")
# Viewers react after the moment: these are aligned back in time before fusion.
LAGGING_SIGNALS = CHAT_SIGNALS + REACTION_SIGNALS + AUDIENCE_SIGNALS

DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        # The room erupting is the most direct media cue, but game audio and music are
        # loud too: strong, not decisive, hence corroboration (see fusion.py).
        "loudness": 0.22,
        # Action shows as motion, but gameplay moves all the time.
        "motion": 0.10,
        # Cuts happen in any edited or switched show; barely evidence on their own.
        "scene": 0.04,
        # How many people react is harder to fake than how many messages arrive:
        # spam is already discounted in chat_rate, and unique chatters cannot be spammed.
        "chat_rate": 0.14,
        "chat_unique": 0.18,
        # Laughter/hype tokens are the most specific chat cue of a moment.
        "chat_hype": 0.18,
        # Copy-paste waves come with raids and emote walls as often as with moments.
        "chat_storm": 0.04,
        # Shares and reactions are deliberate "this was good" clicks when present.
        "reactions": 0.10,
        # Joins follow raids and hosts more than moments, and the level moves too slowly:
        # they only help recognise raids. ("chat_raid" and "marker" are never weighted.)
        "viewer_joins": 0.0,
        "viewers": 0.0,
    }
)

# Smallest standard deviation a baseline may claim, per signal, in its own unit. Without
# it a quiet stretch (no chat, steady room tone) would turn one message or one LU of
# noise into a huge z-score.
DEFAULT_STD_FLOORS: Mapping[str, float] = MappingProxyType(
    {
        "loudness": 2.0,  # LU: sentence-to-sentence variation of speech
        # Below the frame-to-frame noise of real footage, so there the MAD decides; on a
        # still picture any cut counts.
        "scene": 0.005,  # scdet/100: a hard cut scores ~0.01-0.5
        "motion": 0.001,  # mean luma difference / 255
        "chat_rate": 1.0,  # messages/s
        "chat_unique": 1.0,
        "chat_hype": 0.7,
        "chat_storm": 1.5,
        "reactions": 1.0,
        "viewer_joins": 2.0,
        "viewers": 5.0,
    }
)


@dataclass(frozen=True)
class EngineConfig:
    # --- fusion ---
    weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    std_floors: Mapping[str, float] = field(default_factory=lambda: DEFAULT_STD_FLOORS)
    # Counts are Poisson-like, so their noise grows with the mean; this fraction of the
    # mean also floors the deviation, so a busy chat needs a proportionally bigger burst.
    relative_std_floor: float = 0.25
    # --- baselines (normalize.py) ---
    # Rolling median/MAD window. Long enough that several moments (one every 15-60 s)
    # stay a minority of it, short enough to follow a show into a busier or quieter part.
    baseline_window_s: int = 90
    # Chat's own baseline: a room's rate swings tenfold over hours and its bursts last
    # 10-40 s, so a burst is judged against the last minutes of this room, long enough
    # that a reaction does not become its own baseline.
    chat_baseline_window_s: int = 300
    # A media second this far above its baseline stays out of it (normalize.py), for at
    # most media_gate_max_s seconds in a row: a play stands out for as long as it lasts.
    media_gate_z: float = 2.0
    media_gate_max_s: int = 45
    # Seconds of history before a signal may score: the first seconds set the baseline.
    warmup_s: int = 8
    # One signal alone cannot dominate the weighted mean.
    z_cap: float = 6.0
    # Chat arrives in Poisson-noisy counts; a short trailing mean keeps a single busy
    # second from looking like a reaction (only past seconds, so it stays live).
    chat_smooth_s: int = 3
    # --- peaks ---
    enter_score: float = 1.6  # hysteresis: a moment opens above this fused score...
    exit_score: float = 0.8  # ...and stays open until it falls below this one
    min_moment_s: float = 2.0  # seconds above exit_score; shorter blips are noise
    max_gap_s: float = 3.0  # a dip this short (a breath in a cheer) does not split a moment
    backtrack_s: int = 4  # a moment may start this far before its first strong second
    # --- chat lag ---
    # Viewers type after they see the moment: a burst of (3 s-smoothed) chat crosses its
    # baseline about chat_lag_s after the moment starts (2-6 s of reaction time plus the
    # smoothing), so chat over [s + lag - spread, s + lag] is evidence for second s.
    chat_lag_s: int = 4
    chat_lag_spread_s: int = 3
    # A reaction outlasts its moment (people keep laughing, late viewers catch up): when
    # chat alone locates a moment, it starts chat_lag_s before the burst and ends
    # chat_tail_s before the burst dies down.
    chat_tail_s: float = 4.0
    # ...where "the burst" is the seconds at half its peak or more: a reaction's lumpy
    # tail says little about when the moment ended.
    chat_span_share: float = 0.5
    # When only chat places a moment, the clip is what the viewers who clip it would cut:
    # a viewer's clip starts 20-25 s before they press "clip", and they press as they
    # react, so the clip starts chat_lead_s before the reaction's onset and runs at least
    # chat_follow_s past it (or to chat_tail_s before a long reaction fades).
    chat_lead_s: float = 25.0
    chat_follow_s: float = 5.0
    # ...and decided this long after its end, once the burst has shown whether it goes
    # on (a lumpy reaction must not be cut into several clips).
    chat_settle_s: float = 4.0
    # A moment only chat witnessed must stand out this far from the room's last minutes...
    chat_peak_z: float = 3.5
    # ...and be among the room's chat_rank_top strongest reactions of the last
    # chat_rank_window_s (strength: the reaction's summed chat score, so a longer, broader
    # one outranks a blip that hits the same capped z). Real chat has a burst of some size
    # every few minutes but a highlight a few times an hour, and how bursty a room is
    # varies more between rooms than any fixed z can follow.
    chat_rank_top: int = 5
    chat_rank_window_s: float = 3600.0
    # --- corroboration ---
    fire_z: float = 1.5  # a family (media, chat, reactions) "fires" at this score
    agree_z: float = 1.5  # signals of one family agree when each reaches this z
    locate_z: float = 1.5  # media seconds at this score locate a moment's start and end
    # A chat reaction without any media change (in a show that has media) is accepted only
    # this strong, with hype agreeing, and not raid-like; None = never.
    lone_chat_z: float | None = 4.0
    # --- raids ---
    raid_min_chatters: int = 5  # raid lines (features.py) in 5 s that make it a raid
    raid_joins_z: float = 4.0  # without raid lines: a join spike...
    raid_storm_share: float = 0.4  # ...with chat dominated by one repeated message
    raid_hold_s: int = 20  # raiders keep chatting for a while after their wave
    raid_chat_keep: float = 0.25  # what chat evidence is worth during a raid
    # --- clip boundaries ---
    pre_roll_s: float = 2.0  # the setup that makes the moment make sense
    post_roll_s: float = 1.5  # let the reaction land before cutting
    snap_window_s: float = 1.5  # look this far for a quiet point to cut on
    # How long past a clip's end the detector may look before it must decide: the live
    # latency budget. Must cover chat alignment plus the gap merge, and let a chat burst
    # fade (chat_tail_s) before a chat-placed clip is cut. Media-placed moments are
    # decided sooner, once the room has been calm for max_gap_s.
    decision_delay_s: float = 8.0
    min_clip_s: float = 6.0
    max_clip_s: float = 60.0
    # --- output policy ---
    dedupe_iou: float = 0.3
    max_clips_per_hour: int = 20
    marquee_score: float = 4.5  # absolute: always marquee at this fused score
    marquee_quantile: float = 0.9  # relative: top 10% of this show's detections so far
    marquee_min_history: int = 5
    # --- creator markers ---
    # "Clip that" comes 0.5-5 s after the moment ends; without a peak to refine on, the
    # clip is the 20 s before the marker and a few seconds after.
    marker_pre_s: float = 20.0
    marker_post_s: float = 3.0
    marker_lag_s: float = 2.0  # typical delay of the marker after the moment's end
    marker_lookback_s: int = 30  # how far back a marker looks for the peak it means
    # Seconds past the marker the peak search covers: a weak moment's chat reaction may
    # only start as the creator presses the button.
    marker_wait_s: int = 2
    marker_score: float = 3.0  # a creator marker is strong evidence on its own
    # A marker pending when a moment closes, inside its clip or this soon after it, is
    # the creator asking for that moment: the clip becomes theirs (kind "marker").
    marker_claim_s: float = 4.0

    def __post_init__(self) -> None:
        if self.exit_score > self.enter_score:
            raise ValueError("exit_score must not exceed enter_score (hysteresis)")
        if self.lookahead_s + self.max_gap_s > self.decision_delay_s:
            raise ValueError("decision_delay_s must cover chat_lag_s + max_gap_s")
        # A chat-placed clip must be able to wait for its burst to fade, or the deadline
        # cuts one reaction into several clips.
        if self.chat_tail_s - self.post_roll_s >= self.decision_delay_s:
            raise ValueError("decision_delay_s must exceed chat_tail_s - post_roll_s")

    @property
    def lookahead_s(self) -> int:
        """How many seconds after s the fused score of s needs (chat alignment)."""
        return max(0, self.chat_lag_s)
