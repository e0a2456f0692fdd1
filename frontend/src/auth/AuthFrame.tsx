import { Center, Paper } from "@mantine/core";
import type { ReactNode } from "react";
import { PageMain, SkipLink } from "../components/PageFrame";

/** The frame of the pages before signing in: the skip link, then the page's card centred in its main landmark. */
export function AuthFrame({ width = 440, children }: { width?: number; children: ReactNode }) {
  return (
    <>
      <SkipLink />
      <PageMain>
        <Center mih="100vh" p="md">
          <Paper withBorder p="xl" w={width} maw="100%">{children}</Paper>
        </Center>
      </PageMain>
    </>
  );
}
