create table payment_account (
    id           text primary key,
    customer_id  text not null,
    currency     text not null,
    credit_limit numeric(19, 4) not null,
    charged      numeric(19, 4) not null check (charged >= 0),
    version      bigint not null
);

create table payment (
    order_id    text primary key,
    payment_id  text,
    customer_id text,
    amount      numeric(19, 4) not null,
    currency    text,
    status      text not null,
    reason      text,
    updated_at  timestamptz not null,
    version     bigint not null
);
