// The daily pages' chunks, built for real by Rolldown from a small app on disk: three pages, a package whose index
// only re-exports its parts (like @mantine/core's), and another page that shares some of them.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rolldown, type OutputChunk, type RolldownPlugin } from "rolldown";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dailyPagesChunks } from "./dailyPagesChunks";

const FILES: Record<string, string> = {
  "src/main.js": [
    'import { shellPart } from "kit";',
    "console.log(shellPart());",
    'export const pages = [() => import("./pages/Board.js"), () => import("./pages/Scene.js"), () => import("./pages/Other.js")];',
  ].join("\n"),
  "src/pages/Board.js": 'import { Alert, Card } from "kit";\nimport { helper } from "../helper.js";\nexport default () => Alert() + Card() + helper();',
  "src/pages/Scene.js": 'import { Alert } from "kit";\nimport { helper } from "../helper.js";\nexport default () => Alert() + helper() + "scene";',
  "src/pages/Other.js": 'import { Card, Table } from "kit";\nexport default () => Card() + Table();',
  "src/helper.js": 'export const helper = () => "helper";',
  "node_modules/kit/package.json": JSON.stringify({ name: "kit", type: "module", main: "index.mjs", sideEffects: false }),
  // The barrel: imports its parts by name, then exports them (Mantine's shape), and one re-export with `from` (Tabler's).
  "node_modules/kit/index.mjs": [
    'import { Alert } from "./Alert.mjs";',
    'import { Card } from "./Card.mjs";',
    'import { shellPart } from "./shellPart.mjs";',
    "export { Alert, Card, shellPart };",
    'export { default as Table } from "./Table.mjs";',
  ].join("\n"),
  "node_modules/kit/Alert.mjs": 'import { box } from "./box.mjs";\nexport function Alert() { return box("alert"); }',
  "node_modules/kit/Card.mjs": 'import { box } from "./box.mjs";\nexport function Card() { return box("card"); }',
  "node_modules/kit/Table.mjs": 'export default function Table() { return "table"; }',
  "node_modules/kit/box.mjs": 'export function box(what) { return `[${what}]`; }',
  "node_modules/kit/shellPart.mjs": 'export function shellPart() { return "shell"; }',
};

let root = "";
let chunks: OutputChunk[] = [];

/** The output chunk holding the module whose path ends with `path`. */
const chunkOf = (path: string) => chunks.find((chunk) => chunk.moduleIds.some((id) => id.endsWith(path)));
/** The chunks a chunk loads with it (its static imports, transitively), by name. */
function loads(chunk: OutputChunk): string[] {
  const names = new Set<string>();
  const visit = (file: string) => {
    const next = chunks.find((c) => c.fileName === file);
    if (!next || names.has(next.name)) return;
    names.add(next.name);
    next.imports.forEach(visit);
  };
  chunk.imports.forEach(visit);
  return [...names].sort();
}

/** Build `files` (over FILES) in a new folder with the daily pages' groups; the output chunks. */
async function build(files: Record<string, string>): Promise<OutputChunk[]> {
  root = mkdtempSync(join(tmpdir(), "daily-chunks-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const daily = dailyPagesChunks({ "src/pages/Board.js": "board", "src/pages/Scene.js": "scene" });
  const bundle = await rolldown({ input: join(root, "src/main.js"), cwd: root, plugins: [daily.plugin as RolldownPlugin] });
  const { output } = await bundle.generate({
    codeSplitting: { groups: [{ name: "shell", tags: ["$initial"], priority: 100 }, ...daily.groups] },
  });
  await bundle.close();
  rmSync(root, { recursive: true, force: true });
  return output.filter((item): item is OutputChunk => item.type === "chunk");
}

beforeAll(async () => { chunks = await build(FILES); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("dailyPagesChunks", () => {
  it("puts what two daily pages share in one chunk named after both", () => {
    // Alert and the helper: the board and the scene page; box under them too (Card reaches it from the board).
    expect(chunkOf("kit/Alert.mjs")?.name).toBe("daily-board-scene");
    expect(chunkOf("src/helper.js")?.name).toBe("daily-board-scene");
    expect(chunkOf("kit/box.mjs")?.name).toBe("daily-board-scene");
  });

  it("names a chunk after the one daily page that shares it with another page", () => {
    expect(chunkOf("kit/Card.mjs")?.name).toBe("daily-board"); // the board and Other
  });

  it("follows a barrel by the names imported through it, not whole", () => {
    // Table is Other's alone (through `export … from`): Rolldown's own splitting keeps it in Other's chunk.
    expect(chunkOf("kit/Table.mjs")?.name).toBe("Other");
    // What the entry reaches stays in the shell.
    expect(chunkOf("kit/shellPart.mjs")?.name).toBe("shell");
  });

  it("loads only what a daily page uses, in a few files", () => {
    expect(loads(chunkOf("src/pages/Scene.js")!)).toEqual(["daily-board-scene"]); // not the board's Card
    expect(loads(chunkOf("src/pages/Board.js")!)).toEqual(["daily-board", "daily-board-scene"]);
  });

  it("leaves the pages themselves in their own chunks", () => {
    expect(chunkOf("src/pages/Board.js")?.name).toBe("Board");
    expect(chunkOf("src/pages/Scene.js")?.name).toBe("Scene");
  });
});

describe("dailyPagesChunks with a small set beside a large one", () => {
  let saved: OutputChunk[] = [];
  beforeAll(async () => {
    saved = chunks;
    // The helper the board and the scene share is now large: their chunk is worth a file, the board's alone (Card,
    // a few bytes) is not, and goes into it.
    chunks = await build({ ...FILES, "src/helper.js": `export const helper = () => ${JSON.stringify("x".repeat(5000))};` });
  });
  afterAll(() => { chunks = saved; });

  it("puts a small set's modules in the chunk of the closest larger set", () => {
    expect(chunkOf("src/helper.js")?.name).toBe("daily-board-scene");
    expect(chunkOf("kit/Card.mjs")?.name).toBe("daily-board-scene");
    expect(chunks.some((chunk) => chunk.name === "daily-board")).toBe(false);
    expect(loads(chunkOf("src/pages/Board.js")!)).toEqual(["daily-board-scene"]);
  });
});
