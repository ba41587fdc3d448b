-- CreateTable
CREATE TABLE "platform_instance" (
    "id" UUID NOT NULL,
    "created_by_version" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_started_version" TEXT NOT NULL,
    "last_started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_instance_pkey" PRIMARY KEY ("id")
);
