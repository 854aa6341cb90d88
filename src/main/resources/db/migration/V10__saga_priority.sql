alter table saga add column priority text not null default 'NORMAL';
