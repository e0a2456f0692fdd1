// A WebSocket stand-in for the realtime tests: records what is sent; the test opens, pushes frames and closes.
export class FakeSocket {
  static instances: FakeSocket[] = [];
  static OPEN = 1;
  static CLOSED = 3;
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: ((c: { code: number }) => void) | null = null;
  constructor(public url: string) { FakeSocket.instances.push(this); }
  send(text: string) { this.sent.push(JSON.parse(text) as Record<string, unknown>); }
  close(code = 1000) { this.readyState = FakeSocket.CLOSED; this.onclose?.({ code }); }
  open() { this.readyState = FakeSocket.OPEN; this.onopen?.(); }
  push(frame: object) { this.onmessage?.({ data: JSON.stringify(frame) }); }
}
