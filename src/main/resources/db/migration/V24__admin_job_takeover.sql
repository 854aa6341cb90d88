-- A background job outlives its process: the process that runs it owns its row and renews it after every round,
-- with where the job stands; another process serving the admin API takes over a RUNNING row that went quiet and goes
-- on from that position (operations/Jobs). Rows of older builds have no position: those are ended as FAILED.
alter table admin_job add column owner text, add column position text;
create index admin_job_running on admin_job (updated_at) where state = 'RUNNING';
