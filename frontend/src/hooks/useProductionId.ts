import { useParams } from "react-router-dom";
import type { Id } from "../api/types";

/** The production of the current route (`/productions/:productionId/...`). */
export function useProductionId(): Id {
  const { productionId } = useParams();
  return Number(productionId);
}
