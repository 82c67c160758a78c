package io.keelson.strategy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The create body keeps what the user chose and drops what the old image or the engine supplied. */
class CreateBodyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "0123456789ab" + "c".repeat(52);

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    }

    private final ObjectNode oldImage;
    private final ObjectNode inspect;

    CreateBodyTest() throws Exception {
        oldImage = json(
                "{'Config': {'Cmd': ['run-v1'], 'Env': ['PATH=/bin', 'V=1'], 'Labels': {'org.version': '1'}, 'WorkingDir': '/app'}}");
        inspect = json("""
                {'Id': '%s', 'Name': '/web',
                 'Config': {'Hostname': '0123456789ab', 'Image': 'r/web:latest', 'Cmd': ['run-v1'], 'WorkingDir': '/app',
                            'Env': ['PATH=/bin', 'V=1', 'FOO=bar'], 'Labels': {'org.version': '1', 'keelson.enable': 'true'}},
                 'HostConfig': {'NetworkMode': 'front', 'Binds': ['data:/data'], 'RestartPolicy': {'Name': 'always'}},
                 'Mounts': [{'Type': 'volume', 'Name': 'data', 'Destination': '/data', 'RW': true},
                            {'Type': 'volume', 'Name': '%s', 'Destination': '/cache', 'RW': true}],
                 'NetworkSettings': {'Networks': {
                    'front': {'Aliases': ['web', '0123456789ab'], 'IPAddress': '172.18.0.2', 'EndpointID': 'e1', 'MacAddress': 'm'},
                    'back': {'Aliases': ['api'], 'IPAMConfig': {'IPv4Address': '10.9.0.9'}, 'IPAddress': '10.9.0.9'}}}}
                """.formatted(ID, "f".repeat(64)));
    }

    @Test
    void defaultsOfTheOldImageAreLeftOutSoTheNewImagesApply() {
        ObjectNode body = CreateBody.from(inspect, oldImage).body();
        assertThat(body.has("Cmd")).isFalse();
        assertThat(body.has("WorkingDir")).isFalse();
        assertThat(body.get("Env").toString()).isEqualTo("[\"FOO=bar\"]");
        assertThat(body.get("Labels").toString()).isEqualTo("{\"keelson.enable\":\"true\"}");
    }

    @Test
    void theGeneratedHostnameIsDroppedAndTheUsersSettingsKept() {
        ObjectNode body = CreateBody.from(inspect, oldImage).body();
        assertThat(body.has("Hostname")).isFalse();
        assertThat(body.path("HostConfig").path("RestartPolicy").path("Name").asText())
                .isEqualTo("always");
        assertThat(body.path("Image").asText()).isEqualTo("r/web:latest");
    }

    @Test
    void anonymousVolumesAreReattachedByName() {
        ObjectNode body = CreateBody.from(inspect, oldImage).body();
        assertThat(body.path("HostConfig").path("Binds").toString())
                .isEqualTo("[\"data:/data\",\"" + "f".repeat(64) + ":/cache\"]");
    }

    @Test
    void thePrimaryNetworkIsSetAtCreateAndTheOthersLaterWithoutEngineAddresses() {
        CreateBody create = CreateBody.from(inspect, oldImage);
        ObjectNode front = (ObjectNode)
                create.body().path("NetworkingConfig").path("EndpointsConfig").path("front");
        assertThat(front.toString()).isEqualTo("{\"Aliases\":[\"web\"]}");
        assertThat(create.laterNetworks()).containsOnlyKeys("back");
        assertThat(create.laterNetworks().get("back").toString())
                .isEqualTo("{\"IPAMConfig\":{\"IPv4Address\":\"10.9.0.9\"},\"Aliases\":[\"api\"]}");
    }

    @Test
    void hostNetworkingConnectsNothing() throws Exception {
        ObjectNode host = inspect.deepCopy();
        ((ObjectNode) host.get("HostConfig")).put("NetworkMode", "host");
        CreateBody create = CreateBody.from(host, oldImage);
        assertThat(create.body().has("NetworkingConfig")).isFalse();
        assertThat(create.laterNetworks()).isEmpty();
    }
}
