// Types for the plain-ESM sales pipeline module, for the TypeScript end-to-end tests.
export declare const SALES_COLUMNS: string[];
export declare const SALES_REGIONS: string[];

export interface SalesPipelineOptions {
  s3?: string;
  snowflake?: string;
  channels?: string[];
  bucket?: string;
  table?: string;
  pokeIntervalSeconds?: number;
  timeoutSeconds?: number;
  retryDelaySeconds?: number;
  startDate?: string;
}
export declare function salesPipelineSpec(options?: SalesPipelineOptions): Record<string, unknown> & { dagId: string };

export interface ExpectedSale {
  order_id: number;
  amount: number;
  quantity: number;
  total: number;
  region: string;
}
export declare function generateSalesCsv(options?: { rows?: number; firstId?: number; seed?: number; date?: string; badRegion?: boolean }): {
  csv: string;
  rows: number;
  expected: ExpectedSale[];
};
