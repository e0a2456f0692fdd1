import { Title } from "@mantine/core";

/** Placeholder: being built. */
export function Dailies() {
  return <Title order={2}>Dailies</Title>;
}
