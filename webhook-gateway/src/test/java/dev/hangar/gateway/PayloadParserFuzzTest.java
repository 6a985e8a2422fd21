package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.testfixtures.GitHubPayloads;
import dev.hangar.testfixtures.WorkflowJobSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzes the payload parser: whatever bytes arrive, the gateway answers with a typed view or a
 * {@link MalformedPayloadException} (a 400), never another exception (a 500); hostile labels come
 * through as the exact strings they were, as data, never interpreted.
 */
class PayloadParserFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final PayloadParser parser = new PayloadParser(JSON);

  @Property(tries = 2000)
  void arbitraryBytesAreAJsonObjectOrMalformed(@ForAll @Size(max = 512) byte[] body) {
    try {
      assertThat(parser.parse(body, false).isObject()).isTrue();
    } catch (MalformedPayloadException expected) {
      // a 400
    }
  }

  @Property(tries = 500)
  void arbitraryFormBodiesAreAJsonObjectOrMalformed(@ForAll @Size(max = 256) String form) {
    try {
      assertThat(parser.parse(form.getBytes(StandardCharsets.UTF_8), true).isObject()).isTrue();
    } catch (MalformedPayloadException expected) {
      // a 400
    }
  }

  @Property(tries = 1000)
  void realPayloadsWithFieldsReplacedOrRemovedNeverBreakTheParser(
      @ForAll("mutatedPayloads") ObjectNode payload) throws Exception {
    byte[] body = JSON.writeValueAsBytes(payload);
    JsonNode root;
    try {
      root = parser.parse(body, false);
    } catch (MalformedPayloadException e) {
      return;
    }
    try {
      WorkflowJobView view = parser.workflowJob(root, "delivery", Instant.EPOCH);
      assertThat(view.job().owner()).isNotBlank();
      assertThat(view.job().labels()).doesNotContainNull();
    } catch (MalformedPayloadException expected) {
      // a 400
    }
  }

  @Property(tries = 300)
  void hostileLabelsArriveAsTheExactStringsTheyWere(@ForAll("hostileLabels") List<String> labels)
      throws Exception {
    String body = GitHubPayloads.workflowJob(WorkflowJobSpec.of("queued", 42, 7, labels));

    WorkflowJobView view =
        parser.workflowJob(parser.parse(body.getBytes(StandardCharsets.UTF_8), false), "d", Instant.EPOCH);

    assertThat(view.job().labels()).containsExactlyElementsOf(labels);
  }

  @Provide
  Arbitrary<List<String>> hostileLabels() {
    Arbitrary<String> hostile =
        Arbitraries.oneOf(
            Arbitraries.of(
                "; rm -rf /", "$(reboot)", "`id`", "a\"b", "it's", "line\nbreak", "tab\there",
                "anka-template:$(whoami)", "..", "../../etc/passwd", "ünïcödé-🍎", "\u0000nul", "-rf",
                "--copy"),
            Arbitraries.strings().ofMinLength(1).ofMaxLength(64),
            Arbitraries.strings().withChars('a', 'Z', ';', '$', '(', ')', '"', '\'', '\n').ofLength(10_000));
    return hostile.list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<ObjectNode> mutatedPayloads() {
    Arbitrary<ObjectNode> examples =
        Arbitraries.of(GitHubPayloads.workflowJobExamples()).map(n -> (ObjectNode) n.deepCopy());
    Arbitrary<String> field =
        Arbitraries.of(
            "action", "workflow_job.id", "workflow_job.run_id", "workflow_job.run_attempt",
            "workflow_job.labels", "workflow_job.runner_name", "workflow_job.runner_id",
            "workflow_job.conclusion", "workflow_job.started_at", "workflow_job.completed_at",
            "workflow_job.html_url", "repository", "repository.owner", "repository.owner.login",
            "repository.name", "installation", "installation.id", "workflow_job");
    Arbitrary<JsonNode> value =
        Arbitraries.oneOf(
            Arbitraries.just(JSON.nullNode()),
            Arbitraries.strings().ofMaxLength(20).map(JSON.getNodeFactory()::textNode),
            Arbitraries.longs().map(JSON.getNodeFactory()::numberNode),
            Arbitraries.doubles().map(JSON.getNodeFactory()::numberNode),
            Arbitraries.just(JSON.createArrayNode().add(1).add("x").addNull()),
            Arbitraries.just(JSON.createObjectNode().put("k", "v")),
            Arbitraries.just(JSON.getNodeFactory().booleanNode(true)));
    Arbitrary<Mutation> mutation =
        Combinators.combine(field, value, Arbitraries.of(true, false)).as(Mutation::new);
    return Combinators.combine(examples, mutation.list().ofMaxSize(4))
        .as((payload, mutations) -> {
          mutations.forEach(m -> m.applyTo(payload));
          return payload;
        });
  }

  /** Replaces, or removes, one field of a payload. */
  private record Mutation(String path, JsonNode value, boolean remove) {
    void applyTo(ObjectNode payload) {
      String[] parts = path.split("\\.");
      JsonNode node = payload;
      for (int i = 0; i < parts.length - 1; i++) {
        node = node.get(parts[i]);
        if (!(node instanceof ObjectNode)) {
          return;
        }
      }
      ObjectNode parent = (ObjectNode) node;
      String last = parts[parts.length - 1];
      if (remove) {
        parent.remove(last);
      } else {
        parent.set(last, value.deepCopy());
      }
    }
  }
}
