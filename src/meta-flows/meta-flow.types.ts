// Meta's Flows API objects, as far as Flowgate reads them (Graph API, WhatsApp Flows).

export type MetaFlowStatus = 'DRAFT' | 'PUBLISHED' | 'DEPRECATED' | 'BLOCKED' | 'THROTTLED';

/** One entry of `validation_errors`: Meta gives lines and columns in the uploaded file. */
export interface MetaValidationError {
  error: string;
  error_type?: string;
  message: string;
  line_start?: number;
  line_end?: number;
  column_start?: number;
  column_end?: number;
  pointers?: Array<{ line_start?: number; line_end?: number; column_start?: number; column_end?: number; path?: string }>;
}

export type CanSendMessage = 'AVAILABLE' | 'LIMITED' | 'BLOCKED';

/** `health_status`: the overall verdict and each entity (flow, WABA, phone number, app) with its errors. */
export interface MetaHealthStatus {
  can_send_message: CanSendMessage;
  entities?: Array<{
    entity_type: string;
    id: string;
    can_send_message: CanSendMessage;
    errors?: Array<{ error_code?: number; error_description?: string; possible_solution?: string }>;
    additional_info?: string[];
  }>;
}

export interface MetaFlow {
  id: string;
  name: string;
  status: MetaFlowStatus;
  categories?: string[];
  validation_errors?: MetaValidationError[];
  json_version?: string;
  data_api_version?: string;
  endpoint_uri?: string;
  health_status?: MetaHealthStatus;
  preview?: { preview_url: string; expires_at: string };
}

export interface MetaAsset {
  name: string;
  asset_type: string;
  download_url: string;
}

export interface MetaMetric {
  name: string;
  granularity: string;
  data_points: Array<{ timestamp: string; data: Array<{ key: string; value: number }> }>;
}

export const METRIC_NAMES = [
  'ENDPOINT_REQUEST_COUNT',
  'ENDPOINT_REQUEST_ERROR',
  'ENDPOINT_REQUEST_ERROR_RATE',
  'ENDPOINT_REQUEST_LATENCY_SECONDS_CEIL',
  'ENDPOINT_AVAILABILITY',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
