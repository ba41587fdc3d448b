-- CreateIndex
CREATE INDEX "ontology_action_tenant_id_request_id_idx" ON "ontology_action"("tenant_id", "request_id");
