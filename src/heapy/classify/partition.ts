/** One row of a partition: a kind and the count and size of its objects. */
export interface PartitionRow {
  kind: string;
  count: number;
  size: number;
}
