-- AlterTable
ALTER TABLE "approval_request" ADD COLUMN     "on_behalf_of_id" TEXT,
ADD COLUMN     "on_behalf_of_type" TEXT;

-- CreateIndex
CREATE INDEX "approval_request_status_expires_at_idx" ON "approval_request"("status", "expires_at");

-- CreateIndex
CREATE INDEX "approval_request_status_escalate_at_idx" ON "approval_request"("status", "escalate_at");
