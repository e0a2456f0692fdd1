// The proxy in a frame-accurate player: SMPTE display, frame step, J/K/L, I/O marks, and the timeline underneath.
import { ActionIcon, AspectRatio, Badge, Box, Button, Card, Center, Group, Image, Kbd, Popover, Stack, Text, Tooltip } from "@mantine/core";
import {
  IconChevronLeft, IconChevronRight, IconKeyboard, IconMovie, IconPlayerPause, IconPlayerPlay, IconPlayerTrackNext, IconPlayerTrackPrev,
} from "@tabler/icons-react";
import { useEffect } from "react";
import type { Comment, FilmstripMeta, MediaAsset } from "../../api/types";
import { readyRendition } from "../media/format";
import { isTyping, timecodeOf, transportLabel, type FrameClock } from "./playback";
import { Timeline } from "./Timeline";
import type { FramePlayer } from "./useFramePlayer";

const SHORTCUTS: [string, string][] = [
  ["Space", "play / pause"], ["← / →", "one frame back / forward (Shift: 10)"], ["J / K / L", "play backward / pause / play forward (again: faster)"],
  ["K + J / K + L", "one frame back / forward"], ["I / O", "mark in / out"], ["Esc", "clear the marks"],
];

/** Shortcuts on the whole page while it is open, but never while the user types in a field. */
function useShortcuts(player: FramePlayer, enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    const down = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const key = e.key.length === 1 ? e.key.toUpperCase() : e.key;
      const act: Record<string, () => void> = {
        ArrowLeft: () => player.step(e.shiftKey ? -10 : -1),
        ArrowRight: () => player.step(e.shiftKey ? 10 : 1),
        " ": () => player.togglePlay(),
        J: () => player.input("J"),
        K: () => { if (!e.repeat) player.input("K"); },
        L: () => player.input("L"),
        I: () => player.markIn(),
        O: () => player.markOut(),
        Escape: () => player.clearMarks(),
      };
      const action = act[key];
      if (!action) return;
      // A focused button would also "click" on space: the player takes the key instead.
      e.preventDefault();
      action();
    };
    const up = (e: KeyboardEvent) => { if (e.key.toUpperCase() === "K") player.input("K-up"); };
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    return () => { window.removeEventListener("keydown", down); window.removeEventListener("keyup", up); };
  }, [player, enabled]);
}

export function ReviewPlayer({ asset, clock, player, comments, onMarkerClick }: {
  asset: MediaAsset; clock: FrameClock | null; player: FramePlayer; comments: Comment[]; onMarkerClick: (comment: Comment) => void;
}) {
  const proxy = readyRendition(asset, "proxy");
  const poster = readyRendition(asset, "poster");
  const filmstrip = readyRendition(asset, "filmstrip");
  const waveform = readyRendition(asset, "waveform");
  useShortcuts(player, !!proxy && !!clock);
  const timecode = clock ? timecodeOf(player.frame, clock) : "—";
  const playing = player.state.direction !== "paused";
  const { marks } = player;
  const ratio = asset.width && asset.height ? asset.width / asset.height : 16 / 9;

  return (
    <Card withBorder padding={0} data-testid="review-player">
      {/* As wide as fits, but never so tall that the timeline and transport leave the screen (tablets in landscape). */}
      <Box bg="black">
      <AspectRatio ratio={ratio} mx="auto" style={{ background: "black", maxWidth: `calc(52vh * ${ratio})` }}>
        {proxy ? (
          <video ref={player.videoRef} key={proxy.url} playsInline preload="auto" data-testid="proxy-player" src={proxy.url} poster={poster?.url}
            onClick={() => player.togglePlay()} style={{ width: "100%", height: "100%", background: "black", objectFit: "contain" }}>
            Your browser cannot play this proxy.
          </video>
        ) : poster ? (
          <Image src={poster.url} alt={`Poster frame of ${asset.original_name}`} data-testid="asset-poster" fit="contain" />
        ) : (
          <Center><Stack align="center" gap={4}><IconMovie size={48} stroke={1.2} color="gray" /><Text c="dimmed" size="sm">
            {asset.status === "failed" ? "No proxy: processing failed." : "The web proxy is being made…"}
          </Text></Stack></Center>
        )}
      </AspectRatio>
      </Box>
      {proxy && clock && (
        <Stack gap={6} p="sm">
          <Timeline clock={clock} frame={player.frame} marks={marks} comments={comments} onSeek={player.seek} onMarkerClick={onMarkerClick}
            filmstrip={filmstrip ? { url: filmstrip.url, meta: filmstrip.meta as unknown as FilmstripMeta } : null} waveformUrl={waveform?.url ?? null} />
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Group gap={4} wrap="nowrap">
              <Tooltip label="One frame back (←)"><ActionIcon size={44} variant="default" aria-label="One frame back" onClick={() => player.step(-1)} data-testid="frame-back"><IconChevronLeft /></ActionIcon></Tooltip>
              <Tooltip label="Play backward (J)"><ActionIcon size={44} variant="default" aria-label="Play backward" onClick={() => player.input("J")} data-testid="play-backward"><IconPlayerTrackPrev /></ActionIcon></Tooltip>
              <Tooltip label="Play / pause (space)">
                <ActionIcon size={44} variant="filled" aria-label={playing ? "Pause" : "Play"} onClick={() => player.togglePlay()} data-testid="player-play" data-playing={playing}>
                  {playing ? <IconPlayerPause /> : <IconPlayerPlay />}
                </ActionIcon>
              </Tooltip>
              <Tooltip label="Play forward, faster each time (L)"><ActionIcon size={44} variant="default" aria-label="Play forward faster" onClick={() => player.input("L")} data-testid="play-forward"><IconPlayerTrackNext /></ActionIcon></Tooltip>
              <Tooltip label="One frame forward (→)"><ActionIcon size={44} variant="default" aria-label="One frame forward" onClick={() => player.step(1)} data-testid="frame-forward"><IconChevronRight /></ActionIcon></Tooltip>
            </Group>
            <Box ta="center">
              <Text ff="monospace" fz={22} fw={700} lh={1.1} data-testid="player-timecode" data-frame={player.frame}>{timecode}</Text>
              <Text size="xs" c="dimmed" data-testid="player-frame">frame {player.frame + 1} of {clock.frameCount} · {transportLabel(player.state)}</Text>
            </Box>
            <Group gap={4} wrap="nowrap">
              <Button variant="default" h={44} px="sm" onClick={player.markIn} data-testid="mark-in">In{marks.in != null ? ` ${timecodeOf(marks.in, clock).slice(-5)}` : ""}</Button>
              <Button variant="default" h={44} px="sm" onClick={player.markOut} data-testid="mark-out">Out{marks.out != null ? ` ${timecodeOf(marks.out, clock).slice(-5)}` : ""}</Button>
              {(marks.in != null || marks.out != null) && <Button variant="subtle" color="gray" h={44} px="xs" onClick={player.clearMarks}>Clear</Button>}
              <Popover width={320} position="bottom-end" withArrow>
                <Popover.Target><ActionIcon size={44} variant="subtle" color="gray" aria-label="Keyboard shortcuts"><IconKeyboard /></ActionIcon></Popover.Target>
                <Popover.Dropdown>
                  <Stack gap={4}>
                    {SHORTCUTS.map(([keys, what]) => <Group key={keys} gap="xs" wrap="nowrap"><Kbd>{keys}</Kbd><Text size="sm">{what}</Text></Group>)}
                  </Stack>
                </Popover.Dropdown>
              </Popover>
            </Group>
          </Group>
          {marks.in != null && marks.out != null && (
            <Badge variant="light" color="yellow" data-testid="marked-range">
              Marked {timecodeOf(marks.in, clock)} – {timecodeOf(marks.out, clock)} ({marks.out - marks.in + 1} frames)
            </Badge>
          )}
        </Stack>
      )}
    </Card>
  );
}
