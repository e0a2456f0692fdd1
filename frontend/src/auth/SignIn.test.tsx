// The sign-in form's second step (issue 18): the server's 401 `two_factor_required` makes it ask for the code, and the
// code goes with the login and password; a scripted server stands in for /api/auth/login/.
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SignIn } from "./SignIn";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

function show() {
  return render(
    <MantineProvider env="test">
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter initialEntries={["/signin"]}>
          <Routes>
            <Route path="/signin" element={<SignIn />} />
            <Route path="/" element={<p>Home page</p>} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

describe("signing in with two-factor authentication", () => {
  it("asks for the code when the server says so and sends it with the login and password", async () => {
    const bodies: unknown[] = [];
    const answers = [
      json(401, { code: "two_factor_required", message: "Enter the code from your authenticator app, or one of your recovery codes.", extra: {} }),
      json(200, { id: 1, username: "ana", email: "ana@example.com", name: "", display_name: "ana", email_verified: true, two_factor: true }),
    ];
    vi.stubGlobal("fetch", vi.fn(async (_path: string, init: RequestInit) => { bodies.push(JSON.parse(String(init.body))); return answers.shift(); }));
    show();
    expect(screen.queryByLabelText(/Authentication code or recovery code/)).toBeNull();

    fireEvent.change(screen.getByLabelText(/Username or email/), { target: { value: "ana" } });
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: "secret words" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    const code = await screen.findByLabelText(/Authentication code or recovery code/);
    expect(screen.getByTestId("signin-code-needed").textContent).toContain("authenticator app");
    expect(document.activeElement).toBe(code);

    fireEvent.change(code, { target: { value: "123456" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));

    await screen.findByText("Home page");
    expect(bodies).toEqual([{ login: "ana", password: "secret words" }, { login: "ana", password: "secret words", code: "123456" }]);
  });

  it("shows a wrong code next to the code field and stays on the form", async () => {
    const answers = [
      json(401, { code: "two_factor_required", message: "Enter the code.", extra: {} }),
      json(400, { code: "invalid_code", message: "That code is not right.", extra: { fields: { code: ["That code is not right."] } } }),
    ];
    vi.stubGlobal("fetch", vi.fn(async () => answers.shift()));
    show();
    fireEvent.change(screen.getByLabelText(/Username or email/), { target: { value: "ana" } });
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: "secret words" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    fireEvent.change(await screen.findByLabelText(/Authentication code or recovery code/), { target: { value: "000000" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));

    await waitFor(() => expect(screen.getByLabelText(/Authentication code or recovery code/).getAttribute("aria-invalid")).toBe("true"));
    expect(screen.queryByText("Home page")).toBeNull();
  });
});
