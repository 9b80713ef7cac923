//! Small reusable pieces shared by the steps.

pub mod connection_form;
pub mod date_questions;
pub mod grid;
pub mod later;
pub mod notice;
pub mod person_accounts;
pub mod resume_hint;
pub mod run_progress;
pub mod run_results;
pub mod schema_editor;
pub mod step_nav;
pub mod step_section;
pub mod value_mapping;
pub mod work_status;
