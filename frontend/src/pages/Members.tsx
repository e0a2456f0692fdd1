import { Title } from "@mantine/core";

/** Placeholder: being built. */
export function Members() {
  return <Title order={2}>Members</Title>;
}
