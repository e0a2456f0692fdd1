import { useQuery } from "@tanstack/react-query";
import { apiAll } from "../../api/client";
import { keys } from "../../api/keys";
import type { Id } from "../../api/types";
import type { Invitation } from "./members";

/** Pending invitations (owners and producers only: others get 403, so the query is off for them). Kept fresh by `invitation.*` events. */
export const useInvitations = (production: Id, enabled: boolean) =>
  useQuery({ queryKey: keys.invitations(production), queryFn: () => apiAll<Invitation>(`/api/productions/${production}/invitations/?ordering=-created_at`), enabled });
