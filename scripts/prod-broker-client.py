#!/usr/bin/env python3
"""Tries what one broker account may and may not do (used by check-prod-broker.sh).

Usage: prod-broker-client.py <url> <payment|producer|plain> <ca.crt>; prints '<what> ALLOWED|REFUSED ...' per try.
The account's password is pw-<account>, as check-prod-broker.sh writes it.
"""
import sys

from proton import Message, SSLDomain
from proton.utils import BlockingConnection

url, account, ca = sys.argv[1], sys.argv[2], sys.argv[3]


def connect(user, tls=True):
    domain = None
    if tls:
        domain = SSLDomain(SSLDomain.MODE_CLIENT)
        domain.set_trusted_ca_db(ca)
        domain.set_peer_authentication(SSLDomain.VERIFY_PEER_NAME)
    return BlockingConnection(url, user=user, password="pw-" + user, ssl_domain=domain, allowed_mechs="PLAIN",
                              allow_insecure_mechs=True, timeout=10)


def attempt(what, action):
    try:
        action()
        print(what, "ALLOWED")
    except Exception as e:  # noqa: BLE001 - any refusal counts
        print(what, "REFUSED", type(e).__name__, str(e)[:100])


if account == "plain":
    attempt("plain AMQP to the AMQPS port", lambda: connect("payment", tls=False).close())
    sys.exit(0)
connection = connect(account)
if account == "payment":
    attempt("payment consumes its own queue",
            lambda: connection.create_receiver("payment.process::payment.payment.process").close())
    attempt("payment consumes saga queue", lambda: connection.create_receiver("order.placed::saga.order.placed").close())
    attempt("payment sends payment.processed", lambda: connection.create_sender("payment.processed").send(Message(body="{}")))
    attempt("payment sends order.completed", lambda: connection.create_sender("order.completed").send(Message(body="{}")))
if account == "producer":
    attempt("producer sends order.placed", lambda: connection.create_sender("order.placed").send(Message(body="{}")))
    attempt("producer sends payment.processed",
            lambda: connection.create_sender("payment.processed").send(Message(body="{}")))
connection.close()
