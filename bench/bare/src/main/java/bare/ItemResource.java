package bare;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;

@Path("/items")
public class ItemResource {
    @GET
    public List<Item> list() {
        return Item.listAll();
    }
}
