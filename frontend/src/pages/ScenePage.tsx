import { Title } from "@mantine/core";

/** Placeholder: being built. */
export function ScenePage() {
  return <Title order={2}>ScenePage</Title>;
}
