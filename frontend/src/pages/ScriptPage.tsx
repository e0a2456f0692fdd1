import { Title } from "@mantine/core";

/** Placeholder: being built. */
export function ScriptPage() {
  return <Title order={2}>ScriptPage</Title>;
}
