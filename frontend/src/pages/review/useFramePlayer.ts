// The review player's engine: which frame is on screen (requestVideoFrameCallback where the browser has it), seeking
// to whole frames, the J/K/L transport (backward play by stepping frames, since Chromium cannot play backward), and I/O marks.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { clampFrame, frameAt, PAUSED, timeOfFrame, transport, type FrameClock, type Transport, type TransportInput } from "./playback";

export interface Marks { in: number | null; out: number | null }

/** requestVideoFrameCallback: Chromium and Safari have it, older Firefox does not. */
const hasFrameCallback = (v: HTMLVideoElement): boolean => typeof (v as Partial<HTMLVideoElement>).requestVideoFrameCallback === "function";

export interface FramePlayer {
  videoRef: React.RefObject<HTMLVideoElement | null>;
  frame: number;
  state: Transport;
  marks: Marks;
  seek(frame: number): void;
  step(delta: number): void;
  input(input: TransportInput): void;
  togglePlay(): void;
  markIn(): void;
  markOut(): void;
  clearMarks(): void;
}

export function useFramePlayer(clock: FrameClock | null, src: string | undefined): FramePlayer {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [frame, setFrameState] = useState(0);
  const frameRef = useRef(0);
  const [state, setState] = useState<Transport>(PAUSED);
  const stateRef = useRef<Transport>(PAUSED);
  const backward = useRef(0);
  const [marks, setMarks] = useState<Marks>({ in: null, out: null });

  const setFrame = useCallback((n: number) => {
    frameRef.current = n;
    setFrameState(n);
  }, []);

  const seek = useCallback((n: number) => {
    const video = videoRef.current;
    if (!video || !clock) return;
    const target = clampFrame(n, clock);
    setFrame(target);
    video.currentTime = timeOfFrame(target, clock);
  }, [clock, setFrame]);

  const stopBackward = () => {
    cancelAnimationFrame(backward.current);
    backward.current = 0;
  };

  const apply = useCallback((next: Transport) => {
    stateRef.current = next;
    setState(next);
    const video = videoRef.current;
    stopBackward();
    if (!video || !clock) return;
    if (next.direction === "forward") {
      video.playbackRate = next.rate;
      void video.play().catch(() => { stateRef.current = PAUSED; setState(PAUSED); });
      return;
    }
    video.pause();
    if (next.direction !== "backward") return;
    // Backward: seek frame by frame, as fast as the rate asks and the decoder can follow (never queue seeks).
    const started = performance.now();
    const from = frameRef.current;
    const tick = (now: number) => {
      const target = from - Math.floor(((now - started) / 1000) * clock.fps * next.rate);
      if (target <= 0) {
        seek(0);
        stateRef.current = PAUSED;
        setState(PAUSED);
        backward.current = 0;
        return;
      }
      if (!video.seeking && target !== frameRef.current) seek(target);
      backward.current = requestAnimationFrame(tick);
    };
    backward.current = requestAnimationFrame(tick);
  }, [clock, seek]);

  // Follow the picture on screen: each presented frame's media time, and every finished seek.
  useEffect(() => {
    const video = videoRef.current;
    if (!video || !clock) return;
    let stopped = false;
    let handle = 0;
    const fromTime = (t: number) => {
      const n = frameAt(t, clock);
      if (n !== frameRef.current) setFrame(n);
    };
    const frameCallbacks = hasFrameCallback(video);
    if (frameCallbacks) {
      const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
        if (stopped) return;
        if (!video.seeking) fromTime(meta.mediaTime);
        handle = video.requestVideoFrameCallback(onFrame);
      };
      handle = video.requestVideoFrameCallback(onFrame);
    } else {
      const loop = () => {
        if (stopped) return;
        if (!video.paused) fromTime(video.currentTime);
        handle = requestAnimationFrame(loop);
      };
      handle = requestAnimationFrame(loop);
    }
    const onSeeked = () => fromTime(video.currentTime);
    // Playback stopped or started by the element itself (the end of the clip, a script): the transport follows.
    const onPause = () => { if (stateRef.current.direction === "forward") { stateRef.current = { ...PAUSED, kHeld: stateRef.current.kHeld }; setState(stateRef.current); fromTime(video.currentTime); } };
    const onPlay = () => { if (stateRef.current.direction !== "forward") { stopBackward(); stateRef.current = { direction: "forward", rate: video.playbackRate || 1, kHeld: false }; setState(stateRef.current); } };
    video.addEventListener("seeked", onSeeked);
    video.addEventListener("pause", onPause);
    video.addEventListener("play", onPlay);
    return () => {
      stopped = true;
      if (frameCallbacks) video.cancelVideoFrameCallback(handle);
      else cancelAnimationFrame(handle);
      video.removeEventListener("seeked", onSeeked);
      video.removeEventListener("pause", onPause);
      video.removeEventListener("play", onPlay);
      stopBackward();
    };
  }, [clock, src, setFrame]);

  const input = useCallback((i: TransportInput) => {
    const result = transport(stateRef.current, i);
    const changed = result.state.direction !== stateRef.current.direction || result.state.rate !== stateRef.current.rate;
    if (changed) apply(result.state);
    else stateRef.current = result.state;
    if (result.step) seek(frameRef.current + result.step);
  }, [apply, seek]);

  const step = useCallback((delta: number) => {
    if (stateRef.current.direction !== "paused") apply({ ...PAUSED, kHeld: stateRef.current.kHeld });
    seek(frameRef.current + delta);
  }, [apply, seek]);

  return useMemo(() => ({
    videoRef, frame, state, marks, seek, step, input,
    togglePlay: () => input("space"),
    markIn: () => setMarks((m) => ({ in: frameRef.current, out: m.out != null && m.out < frameRef.current ? null : m.out })),
    markOut: () => setMarks((m) => ({ in: m.in != null && m.in > frameRef.current ? null : m.in, out: frameRef.current })),
    clearMarks: () => setMarks({ in: null, out: null }),
  }), [frame, state, marks, seek, step, input]);
}
