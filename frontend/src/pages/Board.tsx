import { Title } from "@mantine/core";

/** Placeholder: being built. */
export function Board() {
  return <Title order={2}>Board</Title>;
}
