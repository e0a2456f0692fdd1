import { Title } from "@mantine/core";

/** Placeholder: being built. */
export function DailyPage() {
  return <Title order={2}>DailyPage</Title>;
}
