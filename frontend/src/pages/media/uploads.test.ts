import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { checkUploadSize, limitLabel, MAX_MEDIA_UPLOAD_BYTES, MAX_SCRIPT_UPLOAD_BYTES, titleFromFileName, uploadErrorMessage } from "./uploads";

describe("limits", () => {
  it("match the server's defaults", () => {
    expect(MAX_MEDIA_UPLOAD_BYTES).toBe(4 * 1024 ** 3);
    expect(MAX_SCRIPT_UPLOAD_BYTES).toBe(5 * 1024 ** 2);
    expect(limitLabel(MAX_MEDIA_UPLOAD_BYTES)).toBe("4 GiB");
    expect(limitLabel(MAX_SCRIPT_UPLOAD_BYTES)).toBe("5 MiB");
    expect(limitLabel(1536)).toBe("1.5 KiB");
    expect(limitLabel(100)).toBe("100 bytes");
  });
});

describe("checkUploadSize", () => {
  it("lets a file at or under the limit through", () => {
    expect(checkUploadSize({ name: "A001C003.mov", size: MAX_MEDIA_UPLOAD_BYTES }, MAX_MEDIA_UPLOAD_BYTES, "clip")).toBeNull();
    expect(checkUploadSize({ name: "heist.fountain", size: 1 }, MAX_SCRIPT_UPLOAD_BYTES, "screenplay")).toBeNull();
  });
  it("refuses a file over the limit and says why", () => {
    const why = checkUploadSize({ name: "A001C003.mov", size: MAX_MEDIA_UPLOAD_BYTES + 1 }, MAX_MEDIA_UPLOAD_BYTES, "clip");
    expect(why).toContain("A001C003.mov");
    expect(why).toContain("4.0 GiB");
    expect(why).toContain("at most 4 GiB");
    expect(checkUploadSize({ name: "big.fountain", size: 6 * 1024 ** 2 }, MAX_SCRIPT_UPLOAD_BYTES, "screenplay")).toMatch(/6\.0 MiB.*at most 5 MiB/);
  });
  it("refuses an empty file", () => {
    expect(checkUploadSize({ name: "empty.mov", size: 0 }, MAX_MEDIA_UPLOAD_BYTES, "clip")).toMatch(/empty/);
  });
});

describe("uploadErrorMessage", () => {
  it("shows the server's message", () => {
    const e = new ApiError(400, { message: "This file is not a video Slate can read: no video stream", code: "not_a_video", extra: {} });
    expect(uploadErrorMessage(e)).toBe("This file is not a video Slate can read: no video stream");
  });
  it("explains a 403 and a lost connection", () => {
    expect(uploadErrorMessage(new ApiError(403, { message: "", code: "forbidden", extra: {} }))).toMatch(/role/);
    expect(uploadErrorMessage(new ApiError(0, { message: "The connection was lost during the upload.", code: "network", extra: {} }))).toMatch(/connection/);
    expect(uploadErrorMessage(new Error("boom"))).toBe("boom");
  });
});

describe("titleFromFileName", () => {
  it("drops the extension and separators", () => {
    expect(titleFromFileName("the_heist-v2.fountain")).toBe("the heist v2");
    expect(titleFromFileName("Brick & Steel.txt")).toBe("Brick & Steel");
  });
});
