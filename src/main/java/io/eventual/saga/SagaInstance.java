package io.eventual.saga;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** The durable state of one running saga. The version guards against two consumers applying replies at once. */
@Entity
@Table(name = "saga")
public class SagaInstance extends PanacheEntityBase {

    @Id
    public String id;

    public String saga;

    /** The version of the flow it started on, which it runs on until it ends. */
    @Column(name = "flow_version")
    public int flowVersion = 1;

    public String status;

    /** Index of the step in progress (or the failed one, while compensating). */
    public int step;

    /** Comma-separated event types still awaited while compensating. */
    public String awaiting = "";

    /** Comma-separated names of steps whose compensation has been sent. */
    public String compensated = "";

    public String reason;

    @Column(columnDefinition = "text")
    public String data;

    @Column(name = "correlation_id")
    public String correlationId;

    /** The order's priority, given to every command the saga sends. */
    public String priority = "NORMAL";

    /** JSON array of {@link HistoryEntry}: every event the saga received or sent, in order. */
    @Column(columnDefinition = "text")
    public String history = "[]";

    /** When the step in progress (or the compensation) times out; null once the saga has ended. */
    public Instant deadline;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Version
    public long version;
}
