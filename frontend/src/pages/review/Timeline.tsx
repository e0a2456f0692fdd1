// The timeline under the player: playhead, I/O range, a marker per comment (a bar for a range), the filmstrip tile of
// the frame under the pointer, and the waveform. Click or drag (mouse, pen, finger) to seek.
import { Box, Text } from "@mantine/core";
import { useRef, useState, type PointerEvent } from "react";
import type { Comment, FilmstripMeta } from "../../api/types";
import { clampFrame, filmstripTile, timecodeOf, type FrameClock } from "./playback";
import type { Marks } from "./useFramePlayer";

const TILE_WIDTH = 176;

export function Timeline({ clock, frame, marks, comments, onSeek, onMarkerClick, filmstrip, waveformUrl }: {
  clock: FrameClock; frame: number; marks: Marks; comments: Comment[]; onSeek: (frame: number) => void; onMarkerClick: (c: Comment) => void;
  filmstrip: { url: string; meta: FilmstripMeta } | null; waveformUrl: string | null;
}) {
  const bar = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ frame: number; x: number } | null>(null);
  const dragging = useRef(false);
  const total = Math.max(1, clock.frameCount);
  const pct = (n: number) => `${(n / total) * 100}%`;

  const frameAtPointer = (e: PointerEvent) => {
    const rect = bar.current!.getBoundingClientRect();
    const x = Math.max(0, Math.min(rect.width, e.clientX - rect.left));
    return { frame: clampFrame(Math.floor((x / Math.max(1, rect.width)) * total), clock), x };
  };

  const tile = hover && filmstrip && filmstrip.meta.tile_width
    ? filmstripTile(filmstrip.meta, hover.frame, clock.fps, TILE_WIDTH / filmstrip.meta.tile_width) : null;
  const width = bar.current?.getBoundingClientRect().width ?? 0;
  const markers = comments.filter((c) => c.frame != null && c.parent == null);

  return (
    <Box pos="relative" data-testid="timeline-wrap">
      {hover && (
        <Box pos="absolute" bottom="100%" mb={6} style={{ left: Math.max(0, Math.min(width - (tile?.width ?? 90), hover.x - (tile?.width ?? 90) / 2)), zIndex: 5, pointerEvents: "none" }}
          data-testid="timeline-hover">
          {tile && filmstrip && (
            <Box data-testid="filmstrip-tile" data-index={tile.index} w={tile.width} h={tile.height}
              style={{ backgroundImage: `url(${filmstrip.url})`, backgroundSize: tile.size, backgroundPosition: tile.position, border: "1px solid var(--mantine-color-dark-3)", borderRadius: 4 }} />
          )}
          <Text size="xs" ff="monospace" ta="center" bg="dark.7" px={4} style={{ borderRadius: 4 }}>{timecodeOf(hover.frame, clock)}</Text>
        </Box>
      )}
      <Box ref={bar} pos="relative" h={40} data-testid="timeline" role="slider" aria-label="Timeline" aria-valuemin={0} aria-valuemax={total - 1} aria-valuenow={frame}
        aria-valuetext={timecodeOf(frame, clock)} tabIndex={-1}
        style={{ background: "var(--mantine-color-dark-5)", borderRadius: 6, cursor: "pointer", touchAction: "none", userSelect: "none" }}
        onPointerDown={(e) => { dragging.current = true; e.currentTarget.setPointerCapture(e.pointerId); onSeek(frameAtPointer(e).frame); }}
        onPointerMove={(e) => { const at = frameAtPointer(e); setHover(at); if (dragging.current) onSeek(at.frame); }}
        onPointerUp={() => { dragging.current = false; }}
        onPointerLeave={() => { if (!dragging.current) setHover(null); }}
        onPointerCancel={() => { dragging.current = false; setHover(null); }}>
        {marks.in != null && (
          <Box pos="absolute" top={0} bottom={0} data-testid="timeline-range"
            style={{ left: pct(marks.in), width: pct((marks.out ?? total - 1) - marks.in + 1), background: "rgba(250, 200, 0, 0.18)", borderLeft: "2px solid var(--mantine-color-yellow-5)", borderRight: marks.out != null ? "2px solid var(--mantine-color-yellow-5)" : undefined }} />
        )}
        {markers.map((c) => {
          const range = c.frame_end != null && c.frame_end > (c.frame ?? 0);
          return (
            <Box key={c.id} component="button" type="button" pos="absolute" data-testid="timeline-marker" data-comment-id={c.id} data-frame={c.frame}
              data-timecode={c.timecode ?? ""} aria-label={`Comment at ${c.timecode ?? c.frame}`} title={`${c.timecode ?? ""} ${c.author_name ?? ""}: ${c.body.slice(0, 80)}`}
              onPointerDown={(e) => e.stopPropagation()}
              onClick={(e) => { e.stopPropagation(); onMarkerClick(c); }}
              style={{
                top: range ? 4 : 2, height: range ? 10 : 20, left: range ? pct(c.frame!) : `calc(${pct(c.frame!)} - 7px)`,
                width: range ? pct(c.frame_end! - c.frame! + 1) : 14, minWidth: 14, padding: 0, border: "none", cursor: "pointer",
                borderRadius: range ? 3 : "50% 50% 50% 0", transform: range ? undefined : "rotate(-45deg)",
                background: c.resolved ? "var(--mantine-color-green-6)" : "var(--mantine-color-yellow-5)",
              }} />
          );
        })}
        <Box pos="absolute" top={0} bottom={0} w={2} data-testid="playhead" style={{ left: pct(frame + 0.5), background: "var(--mantine-color-red-5)", pointerEvents: "none" }} />
      </Box>
      {waveformUrl && (
        <img src={waveformUrl} alt="Audio waveform" data-testid="waveform" draggable={false}
          style={{ display: "block", width: "100%", height: 48, objectFit: "fill", marginTop: 4, borderRadius: 4, background: "var(--mantine-color-dark-7)" }} />
      )}
    </Box>
  );
}
