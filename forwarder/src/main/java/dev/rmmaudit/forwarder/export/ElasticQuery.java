package dev.rmmaudit.forwarder.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Query DSL for Elasticsearch and OpenSearch: {@code term} and {@code wildcard} with {@code case_insensitive},
 * {@code regexp} (the pattern wrapped in {@code .*( )*} as the forwarder finds it anywhere), {@code exists}, and
 * {@code bool}. Works on keyword fields and on the module objects' flattened / flat_object sub-fields.
 */
final class ElasticQuery extends Logic<ObjectNode> {
    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    ObjectNode test(String field, Test t) {
        ObjectNode q = JSON.createObjectNode();
        switch (t.kind()) {
            case EQUALS -> q.putObject("term").putObject(field).put("value", t.value()).put("case_insensitive", true);
            case WILDCARD -> q.putObject("wildcard").putObject(field).put("value", t.value())
                    .put("case_insensitive", true);
            case REGEX -> q.putObject("regexp").putObject(field).put("value", ".*(" + t.value() + ").*");
            case EXISTS -> q.putObject("exists").put("field", field);
            case ABSENT -> {
                return not(test(field, new Test(Kind.EXISTS, null)));
            }
            default -> throw new IllegalStateException(t.kind().toString());
        }
        return q;
    }

    @Override
    ObjectNode and(List<ObjectNode> all) {
        ObjectNode q = JSON.createObjectNode();
        ArrayNode filter = q.putObject("bool").putArray("filter");
        all.forEach(filter::add);
        return q;
    }

    @Override
    ObjectNode or(List<ObjectNode> any) {
        ObjectNode q = JSON.createObjectNode();
        ObjectNode bool = q.putObject("bool");
        ArrayNode should = bool.putArray("should");
        any.forEach(should::add);
        bool.put("minimum_should_match", 1);
        return q;
    }

    @Override
    ObjectNode not(ObjectNode t) {
        ObjectNode q = JSON.createObjectNode();
        q.putObject("bool").putArray("must_not").add(t);
        return q;
    }
}
