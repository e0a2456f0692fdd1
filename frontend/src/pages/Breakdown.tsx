import { Title } from "@mantine/core";

/** Placeholder: being built. */
export function Breakdown() {
  return <Title order={2}>Breakdown</Title>;
}
