//! Writers that turn tables and JSON into files (CSV, JSON, XLSX). Pure functions over
//! `model` types and byte sinks; never egui, `ui` or `app`.
