package io.eventual.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

class LoopsTest {

    @Test
    void aMillionRoundsAnswerWithoutGrowingTheStack() {
        assertThat(Loops.until(0, n -> Uni.createFrom().item(n + 1), n -> n == 1_000_000).await().atMost(Duration.ofSeconds(30)))
                .isEqualTo(1_000_000);
    }

    @Test
    void aLoopThatIsDoneAtOnceRunsNoRound() {
        assertThat(Loops.<Integer> until(7, n -> Uni.createFrom().failure(new AssertionError("no round")), n -> true)
                .await().indefinitely()).isEqualTo(7);
    }

    @Test
    void aFailedRoundFailsTheLoop() {
        assertThatThrownBy(() -> Loops.until(0, n -> n == 3 ? Uni.createFrom().<Integer> failure(new IllegalStateException("round 3"))
                : Uni.createFrom().item(n + 1), n -> n == 10).await().indefinitely()).hasMessage("round 3");
    }
}
