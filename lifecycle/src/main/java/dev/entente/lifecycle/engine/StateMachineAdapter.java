package dev.entente.lifecycle.engine;

import dev.entente.lifecycle.error.EntenteException;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.statemachine.StateContext;
import org.springframework.statemachine.StateMachine;
import org.springframework.statemachine.StateMachineEventResult;
import org.springframework.statemachine.config.StateMachineBuilder;
import org.springframework.statemachine.config.builders.StateMachineTransitionConfigurer;
import org.springframework.statemachine.support.DefaultStateMachineContext;
import reactor.core.publisher.Mono;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one class that knows Spring Statemachine. Upstream is in maintenance mode; keeping it behind
 * this adapter means replacing it touches one file, and domain modules only ever declare tables.
 *
 * <p>A machine is not thread-safe and costs ~0.3 ms to build, so each adapter keeps a pool of
 * started machines for its definition: a call borrows one, resets it to the row's state (about
 * ten times cheaper than building), sends the event, and hands it back. Two threads never share a
 * machine; the pool grows to the peak number of concurrent transitions and stays there.
 *
 * @param <S> state enum
 * @param <E> event enum
 */
public final class StateMachineAdapter<S extends Enum<S> & LifecycleState, E extends Enum<E>> {
    /** Header with the entity {@link Row}, for guards and actions. */
    public static final String ENTITY_HEADER = "entity";
    /** Header with the caller's {@link TransitionContext}. */
    public static final String CONTEXT_HEADER = "context";
    /** Header with the entity's id. */
    public static final String ID_HEADER = "entity_id";
    // Per-send mailbox for a guard's verdict: SSM swallows guard exceptions and only sees a
    // boolean, so the specific failure travels back beside the message instead of through SSM.
    private static final String FAILURE_HEADER = "entente_guard_failure";

    private final LifecycleDefinition<S, E> definition;
    private final Queue<StateMachine<S, E>> pool = new ConcurrentLinkedQueue<>();

    public StateMachineAdapter(LifecycleDefinition<S, E> definition) {
        this.definition = definition;
    }

    /**
     * What sending an event did.
     *
     * @param accepted     whether a transition fired
     * @param to           the state after it (the current state when not accepted)
     * @param guardFailure the exception a guard returned (or threw), when a guard refused
     */
    public record Outcome<S>(boolean accepted, S to, Optional<RuntimeException> guardFailure) {
    }

    /** Puts a machine in state {@code from}, sends {@code event} with the row and context, and reports. */
    public Outcome<S> fire(S from, E event, Object id, Row row, TransitionContext context) {
        StateMachine<S, E> machine = borrow(from);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Message<E> message = MessageBuilder.withPayload(event)
                .setHeader(ENTITY_HEADER, row)
                .setHeader(CONTEXT_HEADER, context)
                .setHeader(ID_HEADER, id)
                .setHeader(FAILURE_HEADER, failure)
                .build();
        StateMachineEventResult<S, E> result = machine.sendEvent(Mono.just(message)).blockLast();
        boolean accepted = result != null
                && result.getResultType() == StateMachineEventResult.ResultType.ACCEPTED;
        S to = machine.getState().getId();
        // Reached only when the send completed: a machine that threw is dropped, never reused.
        pool.offer(machine);
        return new Outcome<>(accepted, to, Optional.ofNullable(failure.get()));
    }

    /** How many idle machines the pool holds (for tests and metrics). */
    public int pooled() {
        return pool.size();
    }

    private StateMachine<S, E> borrow(S state) {
        StateMachine<S, E> machine = pool.poll();
        if (machine == null) {
            machine = build();
        } else {
            machine.stopReactively().block();
        }
        machine.getStateMachineAccessor().doWithAllRegions(access -> access
                .resetStateMachineReactively(new DefaultStateMachineContext<>(state, null, null, null)).block());
        machine.startReactively().block();
        return machine;
    }

    private StateMachine<S, E> build() {
        try {
            StateMachineBuilder.Builder<S, E> builder = StateMachineBuilder.builder();
            builder.configureConfiguration().withConfiguration().autoStartup(false);
            builder.configureStates().withStates()
                    .initial(definition.initial())
                    .states(EnumSet.allOf(definition.stateType()));
            StateMachineTransitionConfigurer<S, E> transitions = builder.configureTransitions();
            for (Transition<S, E> t : definition.transitions()) {
                if (t.internal()) {
                    var c = transitions.withInternal().source(t.from()).event(t.event());
                    t.guardOptional().ifPresent(g -> c.guard(wrap(g)));
                } else {
                    var c = transitions.withExternal().source(t.from()).target(t.to()).event(t.event());
                    t.guardOptional().ifPresent(g -> c.guard(wrap(g)));
                }
            }
            return builder.build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the " + definition.entity() + " state machine", e);
        }
    }

    private org.springframework.statemachine.guard.Guard<S, E> wrap(Guard<S, E> guard) {
        return context -> {
            AtomicReference<RuntimeException> failure = failureOf(context);
            try {
                Optional<EntenteException> refused = guard.check(input(context));
                refused.ifPresent(failure::set);
                return refused.isEmpty();
            } catch (RuntimeException e) {
                // A buggy guard must surface as its own error, not as "transition rejected".
                failure.set(e);
                return false;
            }
        };
    }

    private Guard.Input<S, E> input(StateContext<S, E> context) {
        return new Guard.Input<>(definition.entity(), context.getSource().getId(), context.getEvent(),
                context.getMessageHeader(ID_HEADER),
                (Row) context.getMessageHeader(ENTITY_HEADER),
                (TransitionContext) context.getMessageHeader(CONTEXT_HEADER));
    }

    @SuppressWarnings("unchecked")
    private static AtomicReference<RuntimeException> failureOf(StateContext<?, ?> context) {
        return (AtomicReference<RuntimeException>) context.getMessageHeader(FAILURE_HEADER);
    }
}
